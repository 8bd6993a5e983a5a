/* regex - being written */
#include "config.h"
