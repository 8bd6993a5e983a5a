/* guardianctl - being written */
#include "config.h"
