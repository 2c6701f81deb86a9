"""The record of sensitive actions: who did what, when, from where and why."""
