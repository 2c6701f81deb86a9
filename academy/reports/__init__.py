"""Reports: the network's and each academy's dashboards, and each course's report."""
