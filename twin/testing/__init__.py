"""Test tools shipped with the twin: the scenario regression plugin for pytest and golden metrics."""
