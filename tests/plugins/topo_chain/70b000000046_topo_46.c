/* 70b000000046_topo_46.c - revision 46 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000046", "70b000000045", "topo 46");
TOPO_BODY(46)
