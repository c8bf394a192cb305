"""Qt item models, delegates and proxy models over plain controller row objects.

Models hold frozen dataclasses returned by controllers, never ORM objects: a row
stays valid after its session closed and can be read safely on the GUI thread.
"""
