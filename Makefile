# Everyday verbs. `make test` is the test command CI runs (on SQLite, then on PostgreSQL).
.PHONY: run test test-postgres test-browser bench format

run:
	swift run rapport serve --demo

test:
	swift build --build-tests --explicit-target-dependency-import-check error
	swift test --disable-xctest
	python3 scripts/cli_smoke.py .build/debug/rapport

test-postgres:
	scripts/with-postgres $(MAKE) test

test-browser:
	swift build --product rapport
	python3 scripts/browser_tests.py .build/debug/rapport

bench:
	bench/lifecycle
	bench/api

format:
	swift format --in-place --recursive Sources Tests Package.swift
