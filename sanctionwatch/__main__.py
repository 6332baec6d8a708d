from sanctionwatch.cli.app import main

main()
