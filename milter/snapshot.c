/* snapshot - being written */
#include "config.h"
