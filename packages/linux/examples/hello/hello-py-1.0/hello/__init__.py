"""BuckOS python_package example."""

GREETING = "hello from python_package"
