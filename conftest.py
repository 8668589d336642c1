# Every scenario file under scenarios/ and tests/scenarios/ is a regression test
# item; the plugin also adds the --update-golden option. It is registered here,
# at the root, so that `pytest scenarios` collects the scenarios on its own too.
pytest_plugins = ["twin.testing.plugin"]
