"""pytest hooks for the hop lab's Python suite: the count line scripts/test.sh reads for the
hoplab label ("N passed, N failed", as the lab itself and the Pester runner print it)."""


def pytest_terminal_summary(terminalreporter):
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    skipped = len(stats.get("skipped", []))
    terminalreporter.write_line("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
