-- Written for Berth: the exact kind wins over example.io/_.
return { status = "Suspended", message = "Special is never ready" }
