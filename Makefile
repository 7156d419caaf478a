# Everyday verbs. `make test` is the test command CI runs (on SQLite, then on PostgreSQL).
.PHONY: run demo test test-postgres bench format

run:
	swift run rapport serve

demo:
	swift run rapport seed --customers 1000 --if-empty
	swift run rapport serve

test:
	swift build --build-tests --explicit-target-dependency-import-check error
	swift test --disable-xctest
	python3 scripts/cli_smoke.py .build/debug/rapport

test-postgres:
	scripts/with-postgres $(MAKE) test

bench:
	bench/api

format:
	swift format --in-place --recursive Sources Tests Package.swift
