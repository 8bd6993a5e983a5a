/* roster - being written */
#include "config.h"
