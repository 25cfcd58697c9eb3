"""The organizer's workspace: contests, events, schemes, entrants, judges, results.

Every view needs the organizer role (managers pass) and finds its contest, event or objection
through the ``for_user`` scopes: another organizer's objects are not found (404).
"""
