"""The AI Act (Regulation (EU) 2024/1689): regulation data, use-case inventory, classification, obligations."""
