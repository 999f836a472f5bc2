"""The development harness shared by the tests and the benchmarks: real servers, a real SMTP server, a
graphql-transport-ws client, a statement counter and the query texts both send.

It lives beside `tests/` and `bench/` rather than in either so that neither imports the other; it is not
shipped in the wheel (pyproject's packages.find includes only backstock*).
"""
