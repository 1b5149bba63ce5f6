"""Every private hook of a dependency the warehouse uses, one module per dependency, nothing else.

Each hook is a name the dependency does not document: pinned versions (constraints.txt) keep it working, and
``tests/test_private_hooks.py`` fails loudly when an installed version no longer has it. Code elsewhere imports the
hook from here, never the private name itself, so an upgrade has one place to look at.
"""
