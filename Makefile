# One verb per target; each is a script under scripts/.
.PHONY: demo test install lint

demo:    ## serve the embedded default with demo data (SQLite, local registers, built-in CAS)
	scripts/demo

test:    ## lint, types, layers, and every test on SQLite and PostgreSQL
	scripts/test

install: ## install the locked dependencies into .venv
	scripts/bootstrap
