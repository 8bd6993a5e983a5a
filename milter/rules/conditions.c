/* conditions - being written */
#include "config.h"
