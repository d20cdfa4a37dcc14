"""The store: tables, engine and sessions. The only package that speaks SQL."""
