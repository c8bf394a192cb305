"""The clinic's directories as the forms choose from them: specialties, doctors.

May import ``access``, the shared modules and ``schedule`` (doctors' short names).
"""
