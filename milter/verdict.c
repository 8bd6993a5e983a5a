/* verdict - being written */
#include "config.h"
