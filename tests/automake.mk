# Host unit tests (autotest, `make check`).
