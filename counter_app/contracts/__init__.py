"""Wire schemas (pydantic) shared by the server and its clients: tickets, tokens, enrolment."""
