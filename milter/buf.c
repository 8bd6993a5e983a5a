/* buf - being written */
#include "config.h"
