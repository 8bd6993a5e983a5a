/* roster.h - being written */
