"""Paper-form intake: the blank template staff type forms into, and the bulk import.

The form's fields, in order, are defined once in :mod:`.form`; the template and the
importer both read them from there.
"""
