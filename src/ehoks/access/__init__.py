"""Who is calling, what they may do, and the trail of what they did."""
