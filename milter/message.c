/* message - being written */
#include "config.h"
