"""The training runtime: one loop for every task, run directories and their use."""
