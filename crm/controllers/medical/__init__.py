"""The patient's medical card: attached documents (``documents``, ``files``)."""
