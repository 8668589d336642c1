# Every scenario file under scenarios/ and tests/scenarios/ is a regression test
# item; the plugin also adds the --update-golden option.
pytest_plugins = ["twin.testing.plugin"]
