/* csv.h - being written */
