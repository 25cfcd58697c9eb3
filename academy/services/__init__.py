"""Domain rules of the mentor–apprentice workspace, one module per subject.

Views call these functions; each one checks its rules, refuses with a message a person can
read, and saves everything or nothing.
"""
