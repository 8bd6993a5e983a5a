/* rules - being written */
#include "config.h"
