"""The authoring blueprint; its views live in views.py (content) and sharing.py (life cycle)."""
from flask import Blueprint

bp = Blueprint("authoring", __name__, template_folder="templates")
