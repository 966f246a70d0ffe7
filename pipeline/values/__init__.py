"""Values: a region's sections become its typed values: contacts, counts, goals and purpose items, and the intro's claims."""
