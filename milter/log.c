/* log - being written */
#include "config.h"
