/* csv - being written */
#include "config.h"
