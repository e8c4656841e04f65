// nnjourney-server: the headless server (QCoreApplication; no Gui). Everything it does is
// server::runHeadless(), which `nnjourney --headless` runs too.
#include "headless.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"nnjourney"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);
    return server::runHeadless(app, app.arguments(), u"nnjourney-server"_s);
}
