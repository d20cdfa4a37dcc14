"""The Textual app: the process owner's terminal workplace. Calls the core only."""
