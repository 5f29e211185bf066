import streamlit as st
st.title("5_whatif")
