"""Date formats of the shop's languages where Django's defaults do not suit a shop in Québec.

Only the formats set here change: everything else comes from Django's own locale (French has no
module here and keeps Django's ``fr`` formats).
"""
