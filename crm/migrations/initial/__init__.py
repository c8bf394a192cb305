"""The tables of revision 0001, as Alembic's autogenerate wrote them, in three parts.

Revision 0001 (``versions/0001_initial_schema.py``) calls them in this order, which is
the order of the foreign keys; its hand-written triggers and functions stay with it.
"""
