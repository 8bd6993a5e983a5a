/* actions - being written */
#include "config.h"
