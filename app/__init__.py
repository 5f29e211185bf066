"""The planners' shells: the `ccplan` command line (`app.cli`) and the Streamlit app (`app.streamlit_app`)."""
