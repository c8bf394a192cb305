"""The first start on an empty database: the setup wizard and the clinic's details form."""
