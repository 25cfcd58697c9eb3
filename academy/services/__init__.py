"""Domain rules of the mentor–apprentice workspace, one module per subject.

Views call these functions; each one checks its rules, refuses with ``core.refusals.Refused``
carrying a message a person can read (and the form field it belongs to, if any), and saves
everything or nothing.
"""
