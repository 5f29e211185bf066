"""One module per `ccplan` command group; each exposes `register(cli: typer.Typer)`."""
