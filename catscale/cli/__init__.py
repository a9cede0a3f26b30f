"""Command-line interface ``catscale``. Subcommands live in ``cmd_*.py`` modules, each with a
``register(app)`` function; heavy imports happen inside the command functions."""
