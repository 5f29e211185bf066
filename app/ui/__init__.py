"""Shared pieces of the Streamlit app: session state, cached library calls, charts and error display.

Nothing here models anything: every number comes from `scenarios`, `forecasting`, `sim` or `optimizer`.
"""
