from sobria.cli.app import main

main()
