"""streams/services"""
